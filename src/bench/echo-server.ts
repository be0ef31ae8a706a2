/**
 * The floor of the benchmark: bare Fastify answering a small JSON POST with itself, in its own
 * process like the service. Prints its port once it listens.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify();
  app.post('/echo', async (request) => request.body);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
}

void main();
