import type { ExecutionContext } from '@nestjs/common';

/**
 * What a guard reads from a route's decorators, read once per route (controller class and handler) instead of
 * on every request: the decorators do not change once the application runs.
 */
export function perRoute<T>(read: (context: ExecutionContext) => T): (context: ExecutionContext) => T {
  // A handler inherited by two controller classes is two routes, with each class's own decorators.
  const byClass = new WeakMap<object, Map<object, T>>();
  return (context) => {
    const controller = context.getClass();
    const handler = context.getHandler();
    let routes = byClass.get(controller);
    if (routes === undefined) byClass.set(controller, (routes = new Map<object, T>()));
    if (!routes.has(handler)) routes.set(handler, read(context));
    return routes.get(handler) as T;
  };
}
