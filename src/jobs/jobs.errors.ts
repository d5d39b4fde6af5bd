import { errorsOf } from '../common/errors/app-error';

const JOB_ERRORS = {
  JOB_NOT_FOUND: { status: 404, detail: 'No failed job has this id.' },
};

export class JobError extends errorsOf(JOB_ERRORS) {}
