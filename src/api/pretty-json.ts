/**
 * Atlas renders `?pretty=true` bodies with Jackson's `DefaultPrettyPrinter`; clients and recorded fixtures
 * compare bytes, so this reproduces that layout rather than `JSON.stringify(value, null, 2)`.
 */

const OBJECT_FRAME = 0;
const ARRAY_FRAME = 1;

interface Frame {
  readonly kind: typeof OBJECT_FRAME | typeof ARRAY_FRAME;
  readonly container: object;
  readonly keys: readonly string[] | null;
  readonly length: number;
  next: number;
  emitted: number;
}

const indents: string[] = ['\n'];

function newlineIndent(level: number): string {
  for (let i = indents.length; i <= level; i++) indents.push(indents[i - 1] + '  ');
  return indents[level]!;
}

/**
 * Applies the same pre-serialisation steps as `JSON.stringify` without a replacer: `toJSON(key)` and
 * unwrapping of boxed primitives. Returns undefined for values JSON.stringify omits.
 */
function prepare(value: unknown, key: string): unknown {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (value !== null && typeof value === 'object') {
    if (value instanceof Number) return Number(value);
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value;
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      return JSON.stringify(value) as string;
  }
}

/**
 * Serialises `value` as Atlas does for `pretty=true` (Jackson `DefaultPrettyPrinter`):
 * objects open with `{`, one `"key" : value` per line indented two spaces per object level, and close on
 * their own line (`{ }` when empty); arrays stay inline as `[ a, b ]` (`[ ]` when empty) and do not add an
 * indentation level, so objects inside them read `[ {` … `}, {` … `} ]`.
 *
 * Invariant: `JSON.parse(prettyJson(x))` deep-equals `JSON.parse(JSON.stringify(x))` for every value
 * JSON.stringify accepts; strings are escaped exactly as JSON.stringify escapes them, `undefined`,
 * functions and symbols are dropped from objects and become `null` in arrays, `toJSON` is honoured.
 *
 * @throws TypeError when the root serialises to nothing (undefined, a function, a symbol), on cycles,
 * and on BigInt, as JSON.stringify would.
 */
export function prettyJson(value: unknown): string {
  const root = prepare(value, '');
  if (root === undefined) throw new TypeError('prettyJson: value has no JSON representation');
  if (root === null || typeof root !== 'object') return scalar(root);

  const stack: Frame[] = [];
  const open = new Set<object>();
  let out = '';
  let level = 0;

  const enter = (container: object): void => {
    if (open.has(container)) throw new TypeError('prettyJson: converting circular structure to JSON');
    open.add(container);
    if (Array.isArray(container)) {
      out += '[';
      stack.push({ kind: ARRAY_FRAME, container, keys: null, length: container.length, next: 0, emitted: 0 });
    } else {
      out += '{';
      level++;
      const keys = Object.keys(container);
      stack.push({ kind: OBJECT_FRAME, container, keys, length: keys.length, next: 0, emitted: 0 });
    }
  };

  const emit = (v: unknown): void => {
    if (v !== null && typeof v === 'object') enter(v);
    else out += scalar(v);
  };

  enter(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.kind === OBJECT_FRAME) {
      const keys = frame.keys!;
      const record = frame.container as Record<string, unknown>;
      let v: unknown;
      let key: string | undefined;
      while (frame.next < frame.length) {
        const k = keys[frame.next++]!;
        v = prepare(record[k], k);
        if (v !== undefined) {
          key = k;
          break;
        }
      }
      if (key === undefined) {
        stack.pop();
        open.delete(frame.container);
        level--;
        out += frame.emitted > 0 ? newlineIndent(level) + '}' : ' }';
        continue;
      }
      out += (frame.emitted++ > 0 ? ',' : '') + newlineIndent(level) + JSON.stringify(key) + ' : ';
      emit(v);
    } else {
      if (frame.next >= frame.length) {
        stack.pop();
        open.delete(frame.container);
        out += ' ]';
        continue;
      }
      const i = frame.next++;
      const v = prepare((frame.container as unknown[])[i], String(i));
      out += frame.emitted++ > 0 ? ', ' : ' ';
      emit(v === undefined ? null : v);
    }
  }
  return out;
}
