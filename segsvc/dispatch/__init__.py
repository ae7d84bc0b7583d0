"""Runner dispatch: hand ``dispatch: true`` jobs to the Runner Service and relay its progress to job events.

``dispatcher`` does the hand-over and its retries, ``progress`` turns a runner report into a job change,
``subscriber`` takes reports from NATS (``runner.progress.<alt_id>``); the HTTP callback route
(``POST /api/v1/runner/callbacks/{job_id}``) lives with the other HTTP handlers.
"""

from segsvc.dispatch.dispatcher import RunnerDispatch, callback_base_url
from segsvc.dispatch.progress import ProgressRelay
from segsvc.dispatch.subscriber import ProgressSubscriber

__all__ = ["ProgressRelay", "ProgressSubscriber", "RunnerDispatch", "callback_base_url"]
