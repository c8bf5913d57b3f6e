/**
 * A streaming splitter for big JSON reports: it reads a document in byte chunks and hands over, one
 * by one, the elements of the arrays at a given path (Bandit's `results`), so a 70 MB report is never
 * one string and never one parsed tree. Each element is parsed on its own by the native JSON.parse.
 *
 * It is a splitter, not a parser: it only finds where strings and brackets start and end. What it
 * hands over is checked by others, and it gives up (`StreamAbort`) at anything unusual, so the caller
 * can fall back to the one-piece parse, whose messages name the line and column:
 * - every element is one complete JSON value (the handler parses it; a failure aborts);
 * - between elements there is exactly one comma and whitespace (checked here);
 * - everything outside the streamed arrays (the "skeleton", with each streamed array left as `[]`)
 *   is given to `text` byte for byte; the handler parses it at the end, which checks the rest.
 * Substituting a valid array body into the `[]` of a valid skeleton gives a valid document, so the
 * three checks together accept exactly the valid documents.
 *
 * Where the handler parses every element (`checksElements`), the end of an object element laid out
 * on lines is guessed with a native search instead of the byte loop, and the parse confirms it (a
 * wrong guess is handed back to the byte loop, see guessEnd): the same elements either way.
 *
 * The path is matched on decoded keys (`"re\u0073ults"` is `results`). A path key that appears twice
 * in one object aborts (JSON.parse keeps the last one; streaming both would count twice).
 *
 * Pure: no I/O. The chunks are Buffers (ranges are decoded with `toString('utf8', start, end)`;
 * structural bytes never occur inside a multi-byte UTF-8 sequence, so ranges never cut a character).
 */

/** A step of a path: an object key, or `null` for every element of an array. */
export type PathStep = string | null;

/** Where the splitter gives up: the caller falls back to a one-piece parse. */
export class StreamAbort extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StreamAbort';
  }
}

/** The byte ranges given to a handler are only valid during the call (chunks may be reused). */
export interface SplitHandler {
  /** Skeleton bytes (everything outside the streamed arrays' brackets), in order. */
  text(buf: Buffer, start: number, end: number): void;
  /** Whitespace and commas between the elements of a streamed array (for a byte-exact copy). */
  gap?(buf: Buffer, start: number, end: number): void;
  /**
   * One element of a streamed array: exactly one JSON value's bytes. `array` counts streamed arrays
   * from 0. `guessed`: the end was found from the layout, not by scanning (see `checksElements`);
   * the handler answers false, having done nothing else, when the bytes are not one JSON value.
   */
  element(buf: Buffer, start: number, end: number, index: number, array: number, guessed?: boolean): boolean | void;
  /**
   * Whether a guess will be checked: `element` parses what it is given (and so can answer a guess),
   * or the caller checks the split later (a second, checked pass over the same bytes). The splitter
   * then looks for the end of an element laid out on lines (pretty-printed, or one element per
   * line) with a native search instead of its byte loop.
   */
  checksElements?(): boolean;
}

const BOM = [0xef, 0xbb, 0xbf];
/** Deeper indentation than this is not used to guess where an element ends. */
const MAX_GUESS_INDENT = 64;
const OBJ = 1;
const ARR = 2;

// Skeleton states
const S_VALUE = 0; // a value is expected
const S_FIRST_VALUE = 1; // after `[`: a value or `]`
const S_FIRST_KEY = 2; // after `{`: a key or `}`
const S_KEY = 3; // after `,` in an object
const S_COLON = 4;
const S_AFTER = 5; // after a value: `,` or a closing bracket
const S_DONE = 6; // the top-level value is complete
const S_STRING = 7; // inside a skeleton string (value)
const S_KEY_STRING = 8; // inside a key
const S_SCALAR = 9; // inside a number or literal
// Streamed-array states
const T_FIRST = 10; // after the `[` of a streamed array
const T_AFTER = 11; // after an element
const T_NEED = 12; // after a comma: an element must follow
const T_ELEMENT = 13; // inside an element

interface Frame {
  kind: typeof OBJ | typeof ARR;
  /** Steps of the path matched by this container's own position; -1 = off the path. */
  matched: number;
  /** For objects on the path: the key of the next step was already seen. */
  seenStep: boolean;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * `buf.indexOf(closer, from)` for a closer of `\n`, spaces or tabs and `}`. Searching for the
 * pattern itself is slow here: an indented document is mostly spaces, the pattern's byte before
 * its last is a space, so the search advances about a byte a step (140 ms on a 109 MB SARIF).
 * The braces are few: each `}` is found with a native search and the bytes before it compared.
 * Where braces are many (a hostile document of `}`), after 64 misses and more than one miss per
 * 32 bytes it hands over to the pattern search.
 */
function findCloser(buf: Buffer, closer: Buffer, from: number): number {
  const last = closer.length - 1;
  let p = from + last;
  let misses = 0;
  for (;;) {
    const at = buf.indexOf(0x7d, p);
    if (at < 0) return -1;
    const s = at - last;
    let k = 0;
    while (k < last && buf[s + k] === closer[k]) k++;
    if (k === last) return s;
    p = at + 1;
    if (++misses > 64 && misses * 32 > p - from) return buf.indexOf(closer, p - last);
  }
}

export class JsonArraySplitter {
  private readonly steps: readonly PathStep[];
  private readonly handler: SplitHandler;
  private readonly stack: Frame[] = [];
  private state = S_VALUE;
  /** Path steps matched by the value about to start (-1 = off the path). */
  private nextMatched = 0;
  /** Bytes of the byte-order mark seen (3 = done with it). */
  private bomSeen = 0;
  private sawRoot = false;
  // strings
  private escaped = false;
  private keyParts: Buffer[] = [];
  // streamed arrays
  private arrays = 0;
  private index = 0;
  private depth = 0;
  private inString = false;
  private elemKind = 0; // 1 container, 2 string, 3 scalar
  private pending: Buffer[] = [];
  /** Whether element ends may still be guessed (false after a wrong guess). */
  private guesses = true;
  /** `\n`, an element's indentation and `}`: how a pretty-printed element ends (see guessEnd). */
  private closer: Buffer = Buffer.alloc(0);
  /** Bytes offset of the element start in the current chunk (-1 = it started in an earlier chunk). */
  private elemStart = -1;

  constructor(path: readonly PathStep[], handler: SplitHandler) {
    if (path.length === 0) throw new Error('JsonArraySplitter: empty path');
    this.steps = path;
    this.handler = handler;
  }

  /** Inside an element (after a push: it continues in the next chunk). */
  get inElement(): boolean {
    return this.state === T_ELEMENT;
  }

  /** Where the unfinished element starts in the last chunk pushed; -1 when in an earlier chunk. */
  get elementStart(): number {
    return this.elemStart;
  }

  /** How many arrays at the path were streamed so far. */
  get streamedArrays(): number {
    return this.arrays;
  }

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    // A UTF-8 byte-order mark (EF BB BF) before the value, possibly split over chunks.
    while (this.bomSeen < 3 && i < n && chunk[i] === BOM[this.bomSeen]) {
      this.bomSeen++;
      i++;
    }
    if (this.bomSeen < 3 && i < n) {
      if (this.bomSeen > 0) throw new StreamAbort('a broken byte-order mark');
      this.bomSeen = 3;
    }
    let guessFrom = 0;
    let textStart = this.state >= T_FIRST ? -1 : i;
    let gapStart = this.state >= T_FIRST && this.state !== T_ELEMENT ? i : -1;
    if (this.state === T_ELEMENT) this.elemStart = -1;

    while (i < n) {
      const state = this.state;
      if (state === T_ELEMENT) {
        const end = this.scanElement(chunk, i, n);
        if (end < 0) {
          // The element continues in the next chunk.
          this.pending.push(Buffer.from(chunk.subarray(this.elemStart < 0 ? 0 : this.elemStart, n)));
          return;
        }
        this.emitElement(chunk, end);
        i = end;
        this.state = T_AFTER;
        gapStart = i;
        continue;
      }
      const c = chunk[i] as number;
      if (state >= T_FIRST) {
        // Between elements of a streamed array.
        if (isWs(c)) {
          i++;
          continue;
        }
        if (c === 0x5d /* ] */ && state !== T_NEED) {
          if (gapStart >= 0 && gapStart < i) this.handler.gap?.(chunk, gapStart, i);
          gapStart = -1;
          this.stack.pop();
          this.state = this.stack.length === 0 ? S_DONE : S_AFTER;
          textStart = i; // the `]` belongs to the skeleton
          i++;
          continue;
        }
        if (c === 0x2c /* , */ && state === T_AFTER) {
          this.state = T_NEED;
          i++;
          continue;
        }
        if (state === T_AFTER) throw new StreamAbort('expected , or ] between elements');
        if (c === 0x2c || c === 0x5d) throw new StreamAbort('an element is missing');
        if (gapStart >= 0 && gapStart < i) this.handler.gap?.(chunk, gapStart, i);
        gapStart = -1;
        if (c === 0x7b && guessFrom <= i && this.guesses && this.handler.checksElements?.() === true) {
          const end = this.guessEnd(chunk, i, n);
          if (end > 0 && this.handler.element(chunk, i, end, this.index, this.arrays - 1, true) !== false) {
            this.index++;
            i = end;
            this.state = T_AFTER;
            gapStart = i;
            continue;
          }
          // Not laid out for a guess (-2: nothing searched), not found in this chunk (-1: the
          // element goes on in the next), or a wrong guess: the byte loop takes this element. A
          // failed search costs the rest of the chunk at most, so guessing stops for the chunk; a
          // wrong guess stops it for good.
          if (end > 0) this.guesses = false;
          if (end !== -2) guessFrom = n;
        }
        this.startElement(c, i);
        this.state = T_ELEMENT;
        continue;
      }
      switch (state) {
        case S_STRING:
        case S_KEY_STRING: {
          const end = this.skipString(chunk, i, n);
          // Keys are only decoded in objects on the path (Bandit's metrics hold thousands of keys).
          if (state === S_KEY_STRING && this.onPath()) this.keyParts.push(Buffer.from(chunk.subarray(i, end < 0 ? n : end)));
          if (end < 0) {
            i = n;
            continue;
          }
          i = end;
          if (state === S_KEY_STRING) {
            this.finishKey();
            this.state = S_COLON;
          } else this.state = S_AFTER;
          continue;
        }
        case S_SCALAR:
          if (c === 0x2c || c === 0x5d || c === 0x7d || isWs(c)) {
            this.state = this.stack.length === 0 ? S_DONE : S_AFTER;
            continue;
          }
          i++;
          continue;
        default:
          break;
      }
      if (isWs(c)) {
        i++;
        continue;
      }
      switch (state) {
        case S_VALUE:
        case S_FIRST_VALUE:
          if (state === S_FIRST_VALUE && c === 0x5d) {
            this.close(ARR);
            i++;
            continue;
          }
          if (state === S_FIRST_VALUE) this.nextMatched = this.childMatch();
          i = this.startValue(chunk, c, i);
          if (this.state === T_FIRST) {
            // The `[` of a streamed array ends a piece of skeleton.
            this.handler.text(chunk, textStart, i);
            textStart = -1;
            gapStart = i;
          }
          continue;
        case S_FIRST_KEY:
        case S_KEY:
          if (state === S_FIRST_KEY && c === 0x7d) {
            this.close(OBJ);
            i++;
            continue;
          }
          if (c !== 0x22) throw new StreamAbort('expected a key');
          this.keyParts = [];
          this.escaped = false;
          this.state = S_KEY_STRING;
          i++;
          continue;
        case S_COLON:
          if (c !== 0x3a) throw new StreamAbort('expected :');
          this.state = S_VALUE;
          i++;
          continue;
        case S_AFTER: {
          const top = this.stack[this.stack.length - 1];
          if (!top) throw new StreamAbort('text after the top-level value');
          if (c === 0x2c) {
            if (top.kind === OBJ) this.state = S_KEY;
            else {
              this.state = S_VALUE;
              this.nextMatched = this.childMatch();
            }
          } else if (c === 0x7d && top.kind === OBJ) this.close(OBJ);
          else if (c === 0x5d && top.kind === ARR) this.close(ARR);
          else throw new StreamAbort('unexpected character after a value');
          i++;
          continue;
        }
        case S_DONE:
          throw new StreamAbort('text after the top-level value');
        default:
          throw new StreamAbort('internal state');
      }
    }
    if (textStart >= 0 && textStart < n && this.state < T_FIRST) this.handler.text(chunk, textStart, n);
    if (gapStart >= 0 && gapStart < n && this.state >= T_FIRST && this.state !== T_ELEMENT) this.handler.gap?.(chunk, gapStart, n);
  }

  /** The document ended: throws StreamAbort unless it was one complete value. */
  end(): void {
    if (this.state === S_SCALAR && this.stack.length === 0) this.state = S_DONE;
    if (this.state === S_AFTER && this.stack.length === 0) this.state = S_DONE;
    if (this.state !== S_DONE || !this.sawRoot) throw new StreamAbort('the document ends before its value is complete');
  }

  // ------------------------------------------------------------------------------------------

  /** Path steps matched by the next element of the innermost array. */
  private childMatch(): number {
    const top = this.stack[this.stack.length - 1];
    if (!top || top.matched < 0 || top.matched >= this.steps.length) return -1;
    return this.steps[top.matched] === null ? top.matched + 1 : -1;
  }

  /** The innermost container is an object whose key decides the next step of the path. */
  private onPath(): boolean {
    const top = this.stack[this.stack.length - 1];
    return top !== undefined && top.matched >= 0 && top.matched < this.steps.length;
  }

  private finishKey(): void {
    if (!this.onPath()) {
      this.nextMatched = -1;
      return;
    }
    const raw = this.keyParts.length === 1 ? (this.keyParts[0] as Buffer) : Buffer.concat(this.keyParts);
    this.keyParts = [];
    // raw = the key's bytes and its closing quote.
    const body = raw.subarray(0, raw.length - 1);
    let key: string;
    if (body.includes(0x5c)) {
      try {
        key = JSON.parse(`"${body.toString('utf8')}"`) as string;
      } catch {
        throw new StreamAbort('invalid key');
      }
    } else key = body.toString('utf8');
    const top = this.stack[this.stack.length - 1] as Frame;
    this.nextMatched = -1;
    if (top.matched >= 0 && top.matched < this.steps.length && this.steps[top.matched] === key) {
      if (top.seenStep) throw new StreamAbort(`the key ${JSON.stringify(key)} appears twice`);
      top.seenStep = true;
      this.nextMatched = top.matched + 1;
    }
  }

  private startValue(chunk: Buffer, c: number, i: number): number {
    if (this.stack.length === 0) {
      if (this.sawRoot) throw new StreamAbort('text after the top-level value');
      this.sawRoot = true;
      this.nextMatched = 0;
    }
    const matched = this.nextMatched;
    if (c === 0x7b) {
      this.stack.push({ kind: OBJ, matched, seenStep: false });
      this.state = S_FIRST_KEY;
      return i + 1;
    }
    if (c === 0x5b) {
      this.stack.push({ kind: ARR, matched, seenStep: false });
      if (matched === this.steps.length) {
        this.state = T_FIRST;
        this.index = 0;
        this.arrays++;
      } else this.state = S_FIRST_VALUE;
      return i + 1;
    }
    if (c === 0x22) {
      this.escaped = false;
      this.state = S_STRING;
      return i + 1;
    }
    if (c === 0x7d || c === 0x5d || c === 0x2c || c === 0x3a) throw new StreamAbort('a value is missing');
    this.state = S_SCALAR;
    return i + 1;
  }

  private close(kind: typeof OBJ | typeof ARR): void {
    const top = this.stack.pop();
    if (!top || top.kind !== kind) throw new StreamAbort('mismatched bracket');
    this.state = this.stack.length === 0 ? S_DONE : S_AFTER;
  }

  private startElement(c: number, i: number): void {
    this.elemStart = i;
    this.pending = [];
    this.inString = false;
    this.escaped = false;
    if (c === 0x7b || c === 0x5b) {
      this.elemKind = 1;
      this.depth = 0; // scanElement counts the opening bracket
    } else if (c === 0x22) this.elemKind = 2;
    else this.elemKind = 3;
  }

  /**
   * Index just past the end of the current element, or -1 when the chunk ends first. State for
   * the next chunk is kept in depth / inString / escaped.
   */
  private scanElement(buf: Buffer, from: number, n: number): number {
    let i = from;
    const kind = this.elemKind;
    if (kind === 3) {
      // number or literal: ends at a delimiter (JSON.parse checks what it is)
      if (i === this.elemStart) i++;
      while (i < n) {
        const c = buf[i] as number;
        if (c === 0x2c || c === 0x5d || c === 0x7d || isWs(c)) return i;
        i++;
      }
      return -1;
    }
    if (kind === 2) {
      if (i === this.elemStart) i++;
      return this.skipString(buf, i, n);
    }
    let d = this.depth;
    if (this.inString) {
      const end = this.skipString(buf, i, n);
      if (end < 0) return -1;
      this.inString = false;
      i = end;
    }
    while (i < n) {
      const c = buf[i] as number;
      if (c === 0x22) {
        const end = this.skipString(buf, i + 1, n);
        if (end < 0) {
          this.inString = true;
          this.depth = d;
          return -1;
        }
        i = end;
        continue;
      }
      if (c === 0x7b || c === 0x5b) d++;
      else if (c === 0x7d || c === 0x5d) {
        d--;
        if (d === 0) {
          this.depth = 0;
          return i + 1;
        }
      }
      i++;
    }
    this.depth = d;
    return -1;
  }

  /**
   * Index just past the closing quote of a string whose body starts at `from`, or -1 when the
   * chunk ends first (`escaped` then says whether the chunk ended on an unpaired backslash).
   */
  private skipString(buf: Buffer, from: number, n: number): number {
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      if (i >= n) {
        this.escaped = true;
        return -1;
      }
      i++; // the escaped character
    }
    // A plain byte loop: faster than Buffer#indexOf here (most strings are short keys).
    while (i < n) {
      const c = buf[i] as number;
      if (c === 0x22) return i + 1;
      if (c === 0x5c) {
        if (i + 1 >= n) {
          this.escaped = true;
          return -1;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return -1;
  }

  /**
   * Where the object element starting at `start` ends, guessed from its layout; -1 when the search
   * finds no end in this chunk, -2 when the layout allows no guess (nothing was searched):
   * - pretty-printed (the `{` ends its line, and only whitespace precedes it on its line): at the
   *   first later line that is the same indentation and `}`;
   * - one element per line (`{...}` then an optional comma and the line's end): at the last `}`.
   * A newline byte never occurs inside a JSON string, so lines are real, but a hostile layout can
   * mislead the guess: the handler's parse confirms it. A value that parses from the `{` at `start`
   * to a `}` ends at that `}` (its matching brace), which is where the byte loop would end it.
   * Native searches (Buffer#indexOf), so a 70 MB report is not walked byte by byte in JavaScript.
   */
  private guessEnd(buf: Buffer, start: number, n: number): number {
    let s = start;
    while (s > 0 && start - s <= MAX_GUESS_INDENT && (buf[s - 1] === 0x20 || buf[s - 1] === 0x09)) s--;
    if (s === 0 || buf[s - 1] !== 0x0a || start - s > MAX_GUESS_INDENT) return -2;
    const next = buf[start + 1];
    if (next === 0x0a || (next === 0x0d && buf[start + 2] === 0x0a)) {
      const closer = this.closerFor(buf, s - 1, start);
      const at = findCloser(buf, closer, start + 1);
      return at < 0 || at + closer.length > n ? -1 : at + closer.length;
    }
    const nl = buf.indexOf(0x0a, start + 1);
    if (nl < 0 || nl >= n) return -1;
    let e = nl;
    while (e > start && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
    if (buf[e - 1] === 0x2c) {
      e--;
      while (e > start && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
    }
    return e > start + 1 && buf[e - 1] === 0x7d ? e : -1;
  }

  /** `\n` + the indentation `buf[from + 1 .. to)` + `}`, reused while the indentation is the same. */
  private closerFor(buf: Buffer, from: number, to: number): Buffer {
    const len = to - from + 1;
    const c = this.closer;
    if (c.length === len && buf.compare(c, 0, len - 1, from, to) === 0) return c;
    const made = Buffer.alloc(len);
    buf.copy(made, 0, from, to);
    made[len - 1] = 0x7d;
    this.closer = made;
    return made;
  }

  private emitElement(chunk: Buffer, end: number): void {
    const index = this.index++;
    if (this.pending.length === 0) {
      this.handler.element(chunk, this.elemStart, end, index, this.arrays - 1);
    } else {
      this.pending.push(chunk.subarray(0, end));
      const whole = Buffer.concat(this.pending);
      this.pending = [];
      this.handler.element(whole, 0, whole.length, index, this.arrays - 1);
    }
    this.elemStart = -1;
  }
}
