/** Stream names, one place. Ids are UUIDs or keyed hashes: no personal data in a stream name. */
export const streams = {
  terms: () => 'terms',
  jobSeeker: (jobSeekerId: string) => `jobseeker-${jobSeekerId}`,
  office: (officeId: string) => `office-${officeId}`,
  counselor: (counselorId: string) => `counselor-${counselorId}`,
  reservation: (reservationId: string) => `reservation-${reservationId}`,
};
