from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "haven.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("jobs/", "haven.jobs.urls"),)
