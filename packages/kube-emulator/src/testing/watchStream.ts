/** A watch opened with fetch: its events as they arrive, and a way to close it. */
export interface WatchStream {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  events: { type: string; object: any }[];
  /** Waits until at least `n` events arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch at `url`, authenticating with `token`, with any other request headers. */
export async function openWatch(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<WatchStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    signal: abort.signal,
    headers: { ...headers, authorization: `Bearer ${token}` },
  });
  const events: WatchStream['events'] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          if (buffer.slice(0, nl).trim())
            events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
        }
      }
    } catch {
      // closed by the client
    }
  })();
  return {
    events,
    ended,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${n} watch events, got ${JSON.stringify(
              events.map(e => e.type),
            )}`,
          );
        await new Promise(r => setTimeout(r, 10));
      }
    },
    close: () => abort.abort(),
  };
}
