/** Writes what operators see of an attempt: its log line, and its data point when the dataset is bound. */
import { attemptFields, type AttemptRecord } from './attempt';
import { attemptDataPoint } from './attempt-dataset';
import { logEvent } from './log';

export const ATTEMPT_LOG_MSG = 'delivery attempt';

/** Never throws: what is written about a delivery must not change what happens to it. */
export function recordAttempt(dataset: AnalyticsEngineDataset | undefined, record: AttemptRecord): void {
  const fields = attemptFields(record);
  logEvent(ATTEMPT_LOG_MSG, fields);
  if (!dataset) return;
  try {
    dataset.writeDataPoint(attemptDataPoint(fields));
  } catch (error) {
    logEvent('analytics write failed', { delivery_id: fields.delivery_id, error: error instanceof Error ? error.message : String(error) }, 'error');
  }
}
