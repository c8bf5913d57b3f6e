/**
 * Emits the gate's annotations: workflow commands through `@actions/core` (escaped by it; capped at
 * 10 per kind per step, most severe first, with one overflow notice), or, with
 * `annotations-via-checks: true`, every located annotation through the Checks API (file-less ones
 * still go out as capped workflow commands). When the Checks API refuses (403 on a fork's token),
 * the capped workflow commands are used instead, after one notice that says so.
 *
 * The sink is injected (pass `@actions/core`), so tests capture the exact calls.
 */
import type { GateResult } from '../policy/result.js';
import {
  annotationCandidates,
  capAnnotations,
  planAnnotations,
  toCoreProperties,
  type Annotation,
  type AnnotationMode,
  type PathOptions,
} from '../render/annotations.js';
import { headlineFor, plural } from '../render/common.js';
import { postCheckRun, CHECKS_MAX_ANNOTATIONS, type CheckConclusion, type ChecksOptions } from './checks.js';

type Props = ReturnType<typeof toCoreProperties>;

/** The part of `@actions/core` used here. */
export interface AnnotationSink {
  error(message: string, properties?: Props): void;
  warning(message: string, properties?: Props): void;
  notice(message: string, properties?: Props): void;
}

export interface PublishAnnotationsOptions extends PathOptions {
  mode: AnnotationMode;
  /** `annotations-via-checks`: post through the Checks API (needs `checks: write`). */
  viaChecks?: boolean;
  /** Link to the run, named in the overflow notice. */
  detailsUrl?: string;
  /** Where the full list is, in words (default names the job summary and the security-gate-reports artifact). */
  detailsWhere?: string;
  sink: AnnotationSink;
  /** Where to post the check run; required for `viaChecks`. */
  checks?: Omit<ChecksOptions, 'annotations' | 'title' | 'summary' | 'conclusion'> & { conclusion?: CheckConclusion };
}

export interface AnnotationsOutcome {
  channel: 'none' | 'workflow-commands' | 'checks';
  /** Workflow-command annotations written (including the overflow and fallback notices). */
  emitted: number;
  /** Annotations posted through the Checks API. */
  posted: number;
  /** Why the Checks API was not used, when it was asked for. */
  fallbackReason?: string;
  checkRunUrl?: string;
}

function emit(sink: AnnotationSink, list: readonly Annotation[]): number {
  for (const a of list) sink[a.level](a.message, toCoreProperties(a));
  return list.length;
}

export function conclusionFor(result: Pick<GateResult, 'verdict' | 'shouldFail'>): CheckConclusion {
  if (result.shouldFail) return 'failure';
  return result.verdict === 'pass' ? 'success' : 'neutral';
}

export async function publishAnnotations(result: GateResult, opts: PublishAnnotationsOptions): Promise<AnnotationsOutcome> {
  if (opts.mode === 'none') return { channel: 'none', emitted: 0, posted: 0 };
  const capOpts = { detailsUrl: opts.detailsUrl, detailsWhere: opts.detailsWhere };
  // Workflow commands only: planAnnotations builds no more candidates than can be shown.
  if (!opts.viaChecks) return { channel: 'workflow-commands', emitted: emit(opts.sink, planAnnotations(result, opts)), posted: 0 };

  if (opts.checks) {
    // The Checks API takes every annotation: all candidates are built.
    const candidates = annotationCandidates(result, opts);
    const located = candidates.filter((a) => a.file !== undefined);
    const fileLess = candidates.filter((a) => a.file === undefined);
    const extra = located.length > CHECKS_MAX_ANNOTATIONS ? ` (the first ${CHECKS_MAX_ANNOTATIONS} of ${located.length}, most severe first)` : '';
    const out = await postCheckRun({
      ...opts.checks,
      annotations: located,
      title: headlineFor(result),
      summary: `${headlineFor(result)}\n\n${plural(Math.min(located.length, CHECKS_MAX_ANNOTATIONS), 'annotation')} on files${extra}; ${plural(fileLess.length, 'finding')} without a file are in the job log and summary.`,
      conclusion: opts.checks.conclusion ?? conclusionFor(result),
    });
    if (out.ok) {
      const emitted = emit(opts.sink, capAnnotations(fileLess, capOpts).annotations);
      return { channel: 'checks', emitted, posted: out.posted, ...(out.url ? { checkRunUrl: out.url } : {}) };
    }
    const notice = `annotations-via-checks: ${out.reason}; falling back to workflow-command annotations (at most 10 of each kind are shown).`;
    opts.sink.notice(notice, { title: 'security-gate: annotations fall back to workflow commands' });
    const plan = capAnnotations(candidates, { ...capOpts, reserved: { notice: 1, job: 1 } });
    return { channel: 'workflow-commands', emitted: 1 + emit(opts.sink, plan.annotations), posted: 0, fallbackReason: out.reason };
  }

  // asked for, but no token / repository / commit to post to
  const reason = 'no github-token, repository or commit to create a check run for';
  opts.sink.notice(`annotations-via-checks: ${reason}; using workflow-command annotations (at most 10 of each kind are shown).`, {
    title: 'security-gate: annotations fall back to workflow commands',
  });
  const shown = planAnnotations(result, { ...opts, reserved: { notice: 1, job: 1 } });
  return { channel: 'workflow-commands', emitted: 1 + emit(opts.sink, shown), posted: 0, fallbackReason: reason };
}
