/** Stream names, one place. Ids are UUIDs or keyed hashes: no personal data in a stream name. */
export const streams = {
  terms: () => 'terms',
  jobSeeker: (jobSeekerId: string) => `jobseeker-${jobSeekerId}`,
  office: (officeId: string) => `office-${officeId}`,
  counselor: (counselorId: string) => `counselor-${counselorId}`,
  reservation: (reservationId: string) => `reservation-${reservationId}`,
  staff: (staffId: string) => `staff-${staffId}`,
  /** A8.1: reads of personal data, one stream per JST day. */
  accessLog: (jstDate: string) => `access-log-${jstDate}`,
  legalRequest: (requestId: string) => `legal-request-${requestId}`,
  /** A7.2: the usage-record exports of an office. */
  usageExports: (officeId: string) => `usage-exports-${officeId}`,
};
