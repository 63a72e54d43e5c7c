from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import render

from accounts.forms import StaffLoginForm
from coverage.models import Attendance, Person, TrainingRecord
from jobs.models import Job


class StaffLoginView(LoginView):
    form_class = StaffLoginForm
    template_name = "accounts/staff_login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    person = Person.objects.filter(user=request.user).first()
    attendances = (
        Attendance.objects.filter(person=person).select_related("session")[:10] if person else []
    )
    records = TrainingRecord.objects.filter(person=person)[:20] if person else []
    return render(
        request,
        "accounts/home.html",
        {
            "jobs": Job.objects.filter(user=request.user)[:5],
            "person": person,
            "attendances": attendances,
            "records": records,
        },
    )
