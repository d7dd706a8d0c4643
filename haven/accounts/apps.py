from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"
    # Where this app's pages live: (prefix, URLconf), included by haven/urls.py.
    urls = (("", "haven.accounts.urls"),)
