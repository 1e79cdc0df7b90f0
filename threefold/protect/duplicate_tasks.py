"""Background work of the de-duplication review: one scan of an organisation's records, run by a worker.

``run_duplicate_scan(pk)``
1. checks that the member who started the scan still may review duplicates (it reads identities in their name);
2. reads the organisation's records that are neither merged nor erased (duplicate_access.scan_records: one audit
   entry with how many were read, no names);
3. compares them with the de-duplication model (``dedupe.find_duplicates``, trained on the records themselves,
   with the scan's fixed seed) and keeps the pairs (duplicate_services.finish_scan).

Fewer than two records: nothing to compare, the scan is done with a note. A small organisation is compared like
a large one: where its records are too few to train a part of the model, that part keeps its priors
(threefold/protect/dedupe/run.py). An error fails the scan with a plain note and is raised for the worker's log.
"""

from __future__ import annotations

import logging

from django_tasks import task

from threefold.protect import duplicate_access, duplicate_services
from threefold.protect.dedupe import find_duplicates
from threefold.protect.duplicate_records import to_record
from threefold.protect.models import ScanNote

logger = logging.getLogger(__name__)

MIN_RECORDS = 2
READ_PROGRESS = 20  # percent of the work once the records are read
COMPARED_PROGRESS = 90  # once they are compared; storing the pairs is the rest


@task()
def run_duplicate_scan(scan_id: int) -> str:
    """Run a scan queued by duplicate_services.start_scan; what it ended as ("done", "failed", "gone")."""
    scan = duplicate_services.running_scan(scan_id)
    if scan is None:
        return "gone"
    actor = duplicate_services.scan_actor(scan)
    if actor is None:
        duplicate_services.fail_scan(scan_id, ScanNote.STARTER_LEFT)
        return "failed"
    try:
        opened = duplicate_access.scan_records(actor, scan)
        duplicate_services.save_progress(scan_id, READ_PROGRESS)
        if len(opened) < MIN_RECORDS:
            finished = duplicate_services.finish_scan(
                scan_id, [], records=len(opened), note=ScanNote.FEWER_THAN_TWO
            )
            return "done" if finished else "gone"
        records = [to_record(str(o.person.pk), o.identity) for o in opened]
        del opened  # the identities are not needed any longer than this
        pairs = find_duplicates(records, seed=scan.seed)
        duplicate_services.save_progress(scan_id, COMPARED_PROGRESS)
        finished = duplicate_services.finish_scan(scan_id, pairs, records=len(records))
    except Exception:
        duplicate_services.fail_scan(scan_id, ScanNote.UNEXPECTED)
        raise
    return "done" if finished else "gone"
