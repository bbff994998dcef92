"""Running work truly at once in tests: each callable on its own thread, so on its own database connection."""

import threading

from django.db import connection, connections


def at_once(*calls):
    """Runs each callable on its own thread (and PostgreSQL connection), all released together by a barrier;
    returns what each returned or raised, in the order they finished."""
    start = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            connection.ensure_connection()  # connected before the start, so the calls overlap
            start.wait()
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 - what a refused call raised is the finding
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
