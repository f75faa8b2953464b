// `hapair vrrp` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair vrrp [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'vrrp' is not implemented yet");
}
