/**
 * A buffered, hashing file writer for the batch dataset: lines are gathered into ~1 MiB chunks and
 * written with synchronous writes (a batch command has nothing else to do meanwhile, and it keeps
 * memory flat without back-pressure plumbing); the sha256 is computed over exactly the bytes written.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { AppError } from '@churnstream/errors';

const CHUNK_CHARS = 1 << 20;

export interface SinkResult {
  path: string;
  bytes: number;
  lines: number;
  sha256: string;
}

export class FileSink {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private buffer = '';
  private bytes = 0;
  private lines = 0;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (cause) {
      throw new AppError('INTERNAL', `cannot open ${path} for writing: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  write(line: string): void {
    this.buffer += line;
    this.lines++;
    if (this.buffer.length >= CHUNK_CHARS) this.flush();
  }

  close(): SinkResult {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, bytes: this.bytes, lines: this.lines, sha256: this.hash.digest('hex') };
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const chunk = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off);
    this.bytes += chunk.length;
  }
}
