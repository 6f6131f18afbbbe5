import Fastify from 'fastify';

/**
 * The ceiling: bare Fastify on the same box answering a small JSON with a response schema, on the
 * same route shape as linkplane's GET endpoint service. Nothing linkplane does can be faster.
 */
const app = Fastify({ logger: false });
const body = {
  cloudProvider: 'AWS',
  endpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
  errorMessage: null,
  id: '5f1a2b3c4d5e6f7a8b9c0d1f',
  interfaceEndpoints: [],
  regionName: 'us-east-1',
  status: 'AVAILABLE',
};
app.get(
  '/api/atlas/v2/groups/:groupId/privateEndpoint/:cloudProvider/endpointService/:endpointServiceId',
  {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            cloudProvider: { type: 'string' },
            endpointServiceName: { type: 'string' },
            errorMessage: { type: ['string', 'null'] },
            id: { type: 'string' },
            interfaceEndpoints: { type: 'array', items: { type: 'string' } },
            regionName: { type: 'string' },
            status: { type: 'string' },
          },
        },
      },
    },
  },
  async () => body,
);
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void app.close().then(() => process.exit(0)));
