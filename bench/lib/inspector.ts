/**
 * A DevTools protocol session with a backend started with `--inspect` (Node's own WebSocket
 * client), for the benchmarks that read its heap or profile it.
 */

/** The inspector URL a process started with `--inspect=127.0.0.1:0` printed in its log. */
export function inspectorUrlIn(log: string) {
  return /Debugger listening on (ws:\/\/\S+)/.exec(log)?.[1];
}

/** Opens a session with the inspector at `url`. */
export async function inspect(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 0;
  const pending = new Map<number, (message: any) => void>();
  socket.onmessage = event => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = ++next;
      pending.set(id, message =>
        message.error
          ? reject(new Error(`${method}: ${message.error.message}`))
          : resolve(message.result),
      );
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** Runs `work` with the CPU profiler on and returns the profile (a `.cpuprofile`'s JSON). */
export async function cpuProfileOf(url: string, work: () => Promise<void>) {
  const session = await inspect(url);
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.start');
    await work();
    const { profile } = await session.send('Profiler.stop');
    return profile as object;
  } finally {
    session.close();
  }
}
