export { createFooocusClient } from './client.ts';
export type { FooocusClient, FooocusClientOptions, GenerateMaskRequest, RunOptions } from './client.ts';
export { isOurTask } from './cancel.ts';
export type { CancelOptions, CancelOutcome, CancelTarget } from './cancel.ts';
export { FooocusApiError, isFooocusApiError } from './errors.ts';
export type { FooocusApiErrorKind, ValidationDetail } from './errors.ts';
export type { FollowOptions, FollowOutcome } from './follow.ts';
export type { ProgressEvent, ProgressListener } from './progress.ts';
export type { ExpectedImages, ResultImage, RunResult } from './results.ts';
export type { ModelList, StreamEvent, TaskList, TaskRecord } from './schemas.ts';
export { SseParser, readSse } from './sse.ts';
export type { SseEvent } from './sse.ts';
export type { StreamOptions, StreamOutcome } from './stream.ts';
export { rebaseResultUrl } from './urls.ts';
export { mapValidationErrors } from './validation-map.ts';
export type { MappedValidationError } from './validation-map.ts';
export { startTrackedRun, resumeTrackedRun, wasNeverSent } from './tracked-run.ts';
export type {
  TrackedPhase,
  TrackedProgress,
  TrackedRun,
  TrackedRunClient,
  TrackedRunEnd,
  TrackedRunOptions,
  TrackedRunOutcome,
} from './tracked-run.ts';
export { isResumable, memoryJournal } from './run-journal.ts';
export type { RunJournal, RunJournalEntry, RunJournalState } from './run-journal.ts';
export { isRecognisable, requestFingerprint, rowMatchesRequest } from './request-match.ts';
export { findSubmittedTask, queueState } from './task-search.ts';
export type { QueueState } from './task-search.ts';
export { createBackoff } from './backoff.ts';
export type { Backoff, BackoffOptions } from './backoff.ts';
