// An app that says who it is and dies: what the supervisor test supervises.
process.stdout.write(`crashing app ${process.env.PORT ?? ''} started\n`);
process.stderr.write('crashing app: giving up on purpose\n');
process.exitCode = 3;
