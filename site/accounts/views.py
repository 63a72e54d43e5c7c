from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import render

from accounts.forms import StaffLoginForm
from jobs.models import Job


class StaffLoginView(LoginView):
    form_class = StaffLoginForm
    template_name = "accounts/staff_login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    jobs = Job.objects.filter(user=request.user)[:5]
    return render(request, "accounts/home.html", {"jobs": jobs})
