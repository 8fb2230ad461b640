/** Work an endpoint leaves running after its answer (mail), shared by the flows that mail. */
import { failClosed } from '../fail-closed.ts';
import { withTimeLimit } from '../time-limit.ts';
import type { EndpointCall } from './endpoint.ts';

/** Runs `work` after the answer, within `timeout` (null: none); failures go to `onError`. */
export type AfterAnswer = (call: EndpointCall, work: () => Promise<void>) => void;

/** Builds the runner: the host's `waitUntil`, where it has one, keeps the work alive. */
export function afterAnswer(timeout: number | null, onError: (error: unknown) => void): AfterAnswer {
  return (call, work) => {
    // A macrotask, not a microtask: the answer is on its way before the lookup starts,
    // so not even the synchronous part of the work (hashing, say) delays it.
    const done = new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => withTimeLimit(timeout, undefined, work))
      .catch((error: unknown) => {
        failClosed(error, onError);
      });
    call.host.waitUntil?.(done);
  };
}
