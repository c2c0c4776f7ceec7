// A container as a Remote: commands through the exec API, files through the archive API.
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import type { Remote } from '../../types.ts';
import { execIn } from './exec.ts';

export function containerRemote(container: Docker.Container): Remote {
  return {
    exec: (argv, o) => execIn(container, argv, o),
    async upload(localPath, remotePath) {
      const name = path.posix.basename(remotePath);
      const pack = tar.pack(path.dirname(localPath), {
        entries: [path.basename(localPath)],
        map: (h) => ({ ...h, name: h.name.replace(path.basename(localPath), name) }),
      });
      await execIn(container, ['mkdir', '-p', path.posix.dirname(remotePath)]);
      await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: path.posix.dirname(remotePath) });
    },
    async download(remotePath, localPath) {
      const stream = await container.getArchive({ path: remotePath });
      fs.mkdirSync(path.dirname(localPath), { recursive: true });
      const base = path.posix.basename(remotePath);
      await new Promise<void>((resolve, reject) => {
        const out = tar.extract(path.dirname(localPath), { map: (h) => ({ ...h, name: h.name.replace(base, path.basename(localPath)) }) });
        out.on('finish', resolve);
        out.on('error', reject);
        (stream as NodeJS.ReadableStream).pipe(out);
      });
    },
  };
}
