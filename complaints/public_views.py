"""Pages of the public side (no account)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def complaint_new(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def complaint_submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def complaint_track(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")
