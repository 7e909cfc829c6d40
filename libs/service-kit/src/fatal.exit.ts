/**
 * What a service does when a consumer stopped for good: say why on stderr (one JSON line) and exit 1,
 * so whatever supervises it (npm start, Kubernetes, compose) sees the failure and restarts it. Offsets
 * were committed only after each batch's effect, so a restart resumes without loss.
 */
export function exitOnFatal(service: string): (error: Error) => void {
  return (error) => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'error', service, message: 'consumer stopped for good; exiting', error: error.message })}\n`,
    );
    process.exit(1);
  };
}
