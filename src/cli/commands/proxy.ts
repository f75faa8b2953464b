// `hapair proxy` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair proxy [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'proxy' is not implemented yet");
}
