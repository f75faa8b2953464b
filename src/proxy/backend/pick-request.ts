// The balancer's view of the request being routed (one reused object per backend). Fields are read lazily, only by
// the algorithms that hash them: the client address of a data-plane request costs a getpeername().
import type { AssignRequest } from '../types.js';
import type { PickInput } from '../balancer/types.js';
import type { Server } from './server.js';

export class PickRequest implements PickInput {
  req: AssignRequest | undefined = undefined;
  avoid: Server | undefined = undefined;
  get clientIp(): string | undefined {
    return this.req?.clientIp;
  }
  get uri(): string | undefined {
    return this.req?.uri;
  }
  get header(): ((name: string) => string | undefined) | undefined {
    return this.req?.header;
  }
}
