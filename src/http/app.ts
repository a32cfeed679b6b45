/** The HTTP API: one Hono app, one error envelope, one OpenAPI document. */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { BEARER_CHALLENGE } from '../auth/bearer';
import { ConfigError, PRODUCT_VERSION } from '../config';
import { createConsoleApp } from '../console';
import { SecretsKeyError } from '../crypto/secret-box';
import { ApiError, validationFailed, type ErrorCode } from '../errors';
import type { AppEnv } from './context';
import { BATCH_BODY, EVENT_BATCH_PATH, REQUEST_BODY, validationDetails, type BodyLimit } from './request-checks';
import { registerAccountRoutes } from './routes/accounts';
import { registerAutomationRoutes } from './routes/automations';
import { registerConditionRoutes } from './routes/conditions';
import { registerDeliveryRoutes } from './routes/deliveries';
import { registerDestinationRoutes } from './routes/destination';
import { registerEventBatchRoute } from './routes/events-batch';
import { registerEventRoutes } from './routes/events';
import { registerOperationsRoutes } from './routes/operations';
import { registerSecretRotationRoutes } from './routes/secret-rotation';
import { registerOwnAccountRoutes } from './routes/own-account';
import { registerReplayAndRecoveryRoutes } from './routes/replay-and-recovery';
import { registerSimulationRoutes } from './routes/simulations';
import { registerStatsRoutes } from './routes/stats';
import { registerSystemRoutes } from './routes/system';
import { registerTriggerRoutes } from './routes/triggers';

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({
    // Schema failures become the standard 422 envelope, with one detail per problem.
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(validationDetails(result.error.issues, result.target));
    },
  });

  // One limit per request (a second bodyLimit could only lower the first): event batches get more.
  const limited = ({ maxSize, tooLarge }: BodyLimit) => bodyLimit({ maxSize, onError: () => { throw tooLarge(); } });
  const [requestLimit, batchLimit] = [limited(REQUEST_BODY), limited(BATCH_BODY)];
  app.use('/v1/*', (c, next) => (c.req.path === EVENT_BATCH_PATH ? batchLimit : requestLimit)(c, next));
  // A body that is not JSON would otherwise validate as `{}` and give misleading errors.
  app.use('/v1/*', async (c, next) => {
    const hasBody = c.req.header('content-length') !== undefined ? c.req.header('content-length') !== '0' : c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(c.req.method) && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
      throw new ApiError('unsupported_media_type', 'Send the request body as JSON with "content-type: application/json"');
    }
    await next();
  });

  registerSystemRoutes(app);
  registerAccountRoutes(app);
  registerOwnAccountRoutes(app);
  registerTriggerRoutes(app);
  registerConditionRoutes(app);
  registerAutomationRoutes(app);
  registerSecretRotationRoutes(app);
  registerDestinationRoutes(app);
  registerEventRoutes(app);
  registerEventBatchRoute(app);
  registerDeliveryRoutes(app);
  registerReplayAndRecoveryRoutes(app);
  registerOperationsRoutes(app);
  registerStatsRoutes(app);
  registerSimulationRoutes(app);
  app.route('/', createConsoleApp()); // the admin console (HTML), outside the OpenAPI document

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'OPERATOR_TOKEN for operator endpoints; an account API key (admin or events role) otherwise',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'HTTP Notifier',
      version: PRODUCT_VERSION,
      description: 'Webhook automations: when a platform event fires, POST a templated JSON or XML body, signed (Standard Webhooks), retried and logged.',
    },
    security: [{ bearer: [] }],
  });

  app.notFound(() => {
    throw new ApiError('not_found', 'No such endpoint');
  });
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.code === 'internal_error') {
      // Log the type and message only: request bodies may carry secrets.
      console.error(JSON.stringify({ msg: 'unhandled error', path: c.req.path, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
    }
    // Every 401 names the scheme it wants, whichever code path refused the request.
    const headers = apiError.status === 401 ? { 'www-authenticate': BEARER_CHALLENGE, ...apiError.headers } : apiError.headers;
    return c.json(apiError.toBody(), apiError.status, headers);
  });
  return app;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
};

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 400 && /JSON/i.test(error.message)) return new ApiError('invalid_json', 'The request body is not valid JSON');
    const code = STATUS_CODES[error.status];
    if (code) return new ApiError(code, error.message || code.replace(/_/g, ' '));
  }
  if (error instanceof ConfigError || error instanceof SecretsKeyError) {
    return new ApiError('not_configured', `The service is not configured correctly: ${error.message}`);
  }
  return new ApiError('internal_error', 'Something went wrong on our side; try again later');
}
