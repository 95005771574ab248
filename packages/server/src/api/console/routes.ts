import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../route-config.js';

/**
 * Where `npm run build` puts the web console. Both `src/api/console/` and `dist/api/console/` sit three
 * levels below `packages/server`, so the same relative URL finds `packages/web/dist` from either.
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
});

/** Vite names everything under assets/ after a hash of its content, so a URL there never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The console runs only its own bundled scripts. Mantine writes its theme into a `<style>` element and
 * positions popovers with inline styles, hence `'unsafe-inline'` for styles (never for scripts).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Steward</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Steward</h1>
<p>The server is running, but the web console has not been built.</p>
<p>Run <code>npm run build</code> in the Steward checkout, then reload this page. The API is available under <a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
`;

/**
 * `/api` and the device-facing prefixes (`/mdm`, `/enroll`, `/scep`) belong to the server: unknown paths
 * there stay JSON 404s, in any letter case, rather than turning into console pages.
 */
const API_PATH = /^\/(api|mdm|enroll|scep|EnrollmentServer|ManagementServer)(\/|$)/i;

/**
 * Serves the web console: its built files, and `index.html` for every other non-API path so that the
 * browser's router can handle deep links such as `/setup?token=…`.
 *
 * @example
 * await app.register(async (scope) => createConsoleRoutes('/srv/steward/web/dist')(scope, ctx));
 */
export function createConsoleRoutes(distDir: string): RouteModule {
  const root = path.resolve(distDir);
  return (app) => {
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const urlPath = (request.raw.url ?? '/').split('?', 1)[0] ?? '/';
      if (API_PATH.test(urlPath)) return reply.callNotFound();

      const indexFile = await regularFile(root, path.join(root, 'index.html'));
      if (!indexFile) return sendHtmlHeaders(reply).code(503).header('cache-control', 'no-store').send(NOT_BUILT);

      const wanted = (request.params as { '*'?: string })['*'] ?? '';
      if (wanted !== '') {
        const file = await resolveInside(root, wanted);
        if (file === 'outside') return reply.callNotFound();
        if (file) return sendFile(reply, file, wanted.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
        // A missing file (`/assets/old-hash.js`) is a 404, not the console: a script tag must not get HTML.
        if (path.extname(wanted) !== '') return reply.callNotFound();
      }
      return sendFile(reply, indexFile, REVALIDATE);
    };

    app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, serve);
    app.get('/*', { config: { auth: 'public' }, schema: { hide: true } }, serve);
  };
}

/** The console served from the web package's build output. */
export const consoleRoutes: RouteModule = createConsoleRoutes(CONSOLE_DIST);

/**
 * The file a wildcard path names, if it is a regular file inside the dist directory. The path was already
 * refused by the app when it had dot segments or encoded slashes; this is the second lock on the door,
 * and it also catches a symbolic link that points out of the directory.
 */
async function resolveInside(root: string, wanted: string): Promise<string | undefined | 'outside'> {
  if (wanted.includes('\0') || wanted.includes('\\')) return 'outside';
  const candidate = path.resolve(root, wanted);
  if (!isInside(root, candidate)) return 'outside';
  return regularFile(root, candidate);
}

async function regularFile(root: string, file: string): Promise<string | undefined> {
  try {
    const real = await fs.promises.realpath(file);
    const realRoot = await fs.promises.realpath(root);
    if (!isInside(realRoot, real)) return undefined;
    return (await fs.promises.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function sendHtmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

async function sendFile(reply: FastifyReply, file: string, cacheControl: string): Promise<FastifyReply> {
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const { size } = await fs.promises.stat(file);
  if (type.startsWith('text/html')) sendHtmlHeaders(reply);
  else reply.type(type).header('x-content-type-options', 'nosniff');
  return reply.header('cache-control', cacheControl).header('content-length', size).send(fs.createReadStream(file));
}
