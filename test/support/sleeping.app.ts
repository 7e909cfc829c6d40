// An app that runs until it is told to stop: what the supervisor test kills.
process.stdout.write('sleeping app started\n');
const timer = setInterval(() => undefined, 1_000);
process.on('SIGTERM', () => {
  clearInterval(timer);
});
