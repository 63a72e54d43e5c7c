from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from jobs.models import Job


def _own_job(request, pk) -> Job:
    # Someone else's job is indistinguishable from a missing one.
    return get_object_or_404(Job, pk=pk, user=request.user)


@login_required
def job_detail(request, pk):
    return render(request, "jobs/job_detail.html", {"job": _own_job(request, pk)})


@login_required
def job_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "finished": job.is_finished,
            "result_url": job.result_url if job.status == Job.Status.SUCCEEDED else "",
        }
    )
