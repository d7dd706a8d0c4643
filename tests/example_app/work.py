from haven.accounts.models import User
from haven.work.items import Scope, WorkItem


def example_items(user: User, scope: Scope) -> list[WorkItem]:
    """A provider returns items naming their people; ``work_for`` applies need-to-know."""
    return []
