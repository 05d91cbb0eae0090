import { ServerResponse } from 'node:http';
import {
  JsonObject,
  KubeObject,
  resourceKey,
  ResourceType,
} from '../api/types';
import { ObjectStore, StoreEvent } from '../storage/store';
import { Filter } from './list';

export interface WatchRequest {
  t: ResourceType;
  namespace?: string;
  filter: Filter;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
  /** Renders an object for the wire (version, Table conversion). */
  render: (obj: KubeObject) => JsonObject;
  /**
   * What `render` depends on besides the object (the served version, Table or metadata only):
   * watches with the same key send the same text for the same stored object.
   */
  renderKey: string;
}

/**
 * The text of the last stored object a watch rendered, for the next watch with the same render
 * key: the store tells every watch of an event one after another, so each event is rendered and
 * serialised once however many watch its resource, and nothing older is held.
 */
let lastRendered:
  | { object: KubeObject; renderKey: string; json: string }
  | undefined;

function renderedJson(w: WatchRequest, object: KubeObject): string {
  if (lastRendered?.object === object && lastRendered.renderKey === w.renderKey)
    return lastRendered.json;
  const json = JSON.stringify(w.render(object));
  lastRendered = { object, renderKey: w.renderKey, json };
  return json;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const bookmarkObject = (
  t: ResourceType,
  rv: number,
  initialEventsEnd = false,
): JsonObject => ({
  kind: t.kind,
  apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
  metadata: {
    resourceVersion: String(rv),
    ...(initialEventsEnd
      ? { annotations: { 'k8s.io/initial-events-end': 'true' } }
      : {}),
  },
});

/**
 * Serves one watch as a chunked stream of JSON lines, like kube-apiserver's watch cache: initial
 * ADDED events when starting from "now", resume from a resourceVersion within the history window,
 * ERROR 410 (Expired) when it is too old, transitions in and out of selectors, and bookmarks.
 * Returns a function that ends the watch.
 */
export function serveWatch(
  store: ObjectStore,
  res: ServerResponse,
  w: WatchRequest,
): () => void {
  const key = resourceKey(w.t);
  const inScope = (o: KubeObject) =>
    !w.t.namespaced || !w.namespace || o.metadata.namespace === w.namespace;
  const send = (type: WatchEventType, object: JsonObject) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  /** Sends a stored object (as rendered for any watch with the same render key). */
  const sendStored = (type: WatchEventType, object: KubeObject) => {
    if (!res.writableEnded)
      res.write(`{"type":"${type}","object":${renderedJson(w, object)}}\n`);
  };
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const stop = () => {
    unsubscribe();
    timers.forEach(clearTimeout);
    if (!res.writableEnded) res.end();
  };
  res.on('close', stop);

  const dispatch = (e: StoreEvent) => {
    if (e.resource !== key || !inScope(e.object)) return;
    const now = e.type !== 'DELETED' && w.filter.matches(e.object);
    const before = e.prev !== undefined && w.filter.matches(e.prev);
    if (e.type === 'ADDED' && now) sendStored('ADDED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) sendStored('MODIFIED', e.object);
      else if (now) sendStored('ADDED', e.object);
      else if (before && e.prev) {
        const rv = e.object.metadata.resourceVersion;
        send(
          'DELETED',
          w.render({
            ...e.prev,
            metadata: { ...e.prev.metadata, resourceVersion: rv },
          }),
        );
      }
    } else if (e.type === 'DELETED' && before) sendStored('DELETED', e.object);
  };

  const rvParam = w.resourceVersion;
  const fromNow = !rvParam || rvParam === '0';
  if (fromNow || w.sendInitialEvents) {
    const current = store.list(key, w.t.namespaced ? w.namespace : undefined);
    if (w.sendInitialEvents !== false) {
      for (const o of current) if (w.filter.matches(o)) sendStored('ADDED', o);
    }
    if (w.sendInitialEvents && w.allowBookmarks)
      send('BOOKMARK', bookmarkObject(w.t, store.resourceVersion, true));
  } else {
    const rv = Number(rvParam);
    const history = Number.isFinite(rv)
      ? store.eventsSince(key, rv)
      : undefined;
    if (!history) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: Number.isFinite(rv)
          ? `too old resource version: ${rvParam} (${
              store.oldestResumableVersion + 1
            })`
          : `invalid resource version: ${rvParam}`,
        reason: Number.isFinite(rv) ? 'Expired' : 'BadRequest',
        code: Number.isFinite(rv) ? 410 : 400,
      });
      stop();
      return stop;
    }
    history.forEach(dispatch);
  }
  unsubscribe = store.subscribe(dispatch);

  if (w.allowBookmarks) {
    const bookmark = () =>
      send('BOOKMARK', bookmarkObject(w.t, store.resourceVersion));
    const every = setInterval(bookmark, w.bookmarkIntervalMs);
    timers.push(every);
    if (w.timeoutSeconds && w.timeoutSeconds > 2)
      timers.push(setTimeout(bookmark, (w.timeoutSeconds - 2) * 1000));
  }
  if (w.timeoutSeconds) timers.push(setTimeout(stop, w.timeoutSeconds * 1000));
  return stop;
}
