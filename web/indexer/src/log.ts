// One line per event on stderr, with a UTC timestamp.
export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} qtm-indexer: ${message}\n`);
}
