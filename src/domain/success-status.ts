/**
 * When a receiver has taken a webhook: any 2xx answer (Standard Webhooks). The retry policy,
 * the destination gate and the consumer (is the answer logged as an error?) all ask here, so
 * they cannot disagree about what counts as delivered.
 */
export const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;
