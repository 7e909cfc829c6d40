/**
 * A buffered, hashing file writer for the batch dataset: lines are gathered into ~1 MiB chunks and
 * written with synchronous writes (a batch command has nothing else to do meanwhile, and it keeps
 * memory flat without back-pressure plumbing); the sha256 is computed over exactly the bytes written.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { AppError } from '@churnstream/errors';

const CHUNK_BYTES = 1 << 20;

export interface SinkResult {
  path: string;
  bytes: number;
  lines: number;
  sha256: string;
}

export class FileSink {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  // Lines are encoded straight into one reused buffer: no string concatenation, little garbage.
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
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
    this.lines++;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.used + line.length * 3 > CHUNK_BYTES) {
      this.flush();
      if (line.length * 3 > CHUNK_BYTES) {
        this.emit(Buffer.from(line, 'utf8'));
        return;
      }
    }
    this.used += this.chunk.write(line, this.used, 'utf8');
  }

  /** write() for a line known to be ASCII (one byte per character): skips UTF-8 encoding. */
  writeAscii(line: string): void {
    this.lines++;
    if (this.used + line.length > CHUNK_BYTES) {
      this.flush();
      if (line.length > CHUNK_BYTES) {
        this.emit(Buffer.from(line, 'latin1'));
        return;
      }
    }
    this.used += this.chunk.write(line, this.used, 'latin1');
  }

  /**
   * Room for a line of at most `maxBytes`, to be encoded by the caller straight into `buffer` from
   * the returned offset and then committed with the offset after it. Lines longer than a chunk
   * cannot be written this way (use write).
   */
  reserve(maxBytes: number): number {
    if (this.used + maxBytes > CHUNK_BYTES) this.flush();
    return this.used;
  }

  /** The chunk that reserve() hands out offsets into. */
  get buffer(): Uint8Array {
    return this.chunk;
  }

  commit(end: number): void {
    this.lines++;
    this.used = end;
  }

  close(): SinkResult {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, bytes: this.bytes, lines: this.lines, sha256: this.hash.digest('hex') };
  }

  private flush(): void {
    if (this.used === 0) return;
    this.emit(this.chunk.subarray(0, this.used));
    this.used = 0;
  }

  private emit(bytes: Buffer): void {
    this.hash.update(bytes);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
    this.bytes += bytes.length;
  }
}
