import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { RouteModule } from '../../api/route-config.js';
import { StewardError } from '../../core/errors.js';
import { SCEP_MAX_MESSAGE_BYTES, ScepError, type ScepServer } from '../../pki/scep/scep-server.js';

const PKI_MESSAGE = 'application/x-pki-message';
/** Base64 of the largest accepted pkiMessage, for `GET …&message=`. */
const MAX_MESSAGE_PARAM = Math.ceil(SCEP_MAX_MESSAGE_BYTES / 3) * 4 + 16;
const BASE64 = /^[A-Za-z0-9+/_ -]*={0,2}$/;

const ScepQuery = Type.Object({
  operation: Type.String({ maxLength: 64, description: 'GetCACaps, GetCACert or PKIOperation' }),
  message: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_PARAM, description: 'GetCACert: ignored; PKIOperation over GET: the pkiMessage in base64' })),
});

/**
 * SCEP (RFC 8894) over HTTP at `/scep`: the enrollment endpoint devices reach without credentials;
 * each pkiMessage proves itself (signature, challenge, or a certificate this CA issued).
 *
 * @example
 * await app.register(async (scope) => scepRoutes(new ScepServer(ctx.ca, policy))(scope as App, ctx));
 */
export function scepRoutes(server: ScepServer): RouteModule {
  return (app) => {
    // Bodies are DER bytes. Besides the RFC's type, accept any type or none: micromdm's scepclient sends application/octet-stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([PKI_MESSAGE, '*'], { parseAs: 'buffer', bodyLimit: SCEP_MAX_MESSAGE_BYTES }, (_request, body, done) => done(null, body));

    const pkiOperation = async (reply: FastifyReply, message: Buffer) => {
      try {
        const answer = await server.pkiOperation(message);
        return reply.type(PKI_MESSAGE).send(answer);
      } catch (error) {
        if (error instanceof ScepError) throw new StewardError('bad_request', error.message, { reason: error.code });
        throw error;
      }
    };

    app.get(
      '/scep',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['scep'],
          summary: 'SCEP GetCACaps, GetCACert and PKIOperation (device-facing)',
          description:
            'GetCACaps answers text/plain, GetCACert the CA certificate as application/x-x509-ca-cert (DER), PKIOperation a CertRep as application/x-pki-message.',
          querystring: ScepQuery,
        },
      },
      async (request, reply) => {
        const { operation, message } = request.query;
        switch (operation) {
          case 'GetCACaps':
            return reply.type('text/plain; charset=utf-8').send(server.capabilities());
          case 'GetCACert':
            return reply.type('application/x-x509-ca-cert').send(server.caCertificate());
          case 'PKIOperation': {
            // A `+` left unescaped in the query arrives as a space.
            if (!message || !BASE64.test(message))
              throw new StewardError('bad_request', 'PKIOperation over GET needs the pkiMessage in base64.', { reason: 'scep_not_der' });
            return pkiOperation(reply, Buffer.from(message.replaceAll(' ', '+'), 'base64'));
          }
          default:
            throw new StewardError('bad_request', 'Unknown SCEP operation.', { reason: 'scep_unknown_operation' });
        }
      },
    );

    app.post(
      '/scep',
      {
        config: { auth: 'public' },
        bodyLimit: SCEP_MAX_MESSAGE_BYTES,
        schema: {
          tags: ['scep'],
          summary: 'SCEP PKIOperation with the pkiMessage as the body (device-facing)',
          description: 'The body is a DER pkiMessage (application/x-pki-message); the answer is a CertRep (application/x-pki-message).',
          querystring: ScepQuery,
        },
      },
      async (request, reply) => {
        if (request.query.operation !== 'PKIOperation')
          throw new StewardError('bad_request', 'Only PKIOperation is sent with POST.', { reason: 'scep_unknown_operation' });
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new StewardError('bad_request', 'The body must be a DER pkiMessage.', { reason: 'scep_not_der' });
        return pkiOperation(reply, body);
      },
    );
  };
}
