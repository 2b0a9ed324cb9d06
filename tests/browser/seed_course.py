"""Seeds the demo course used by the browser tests into the portal server's database.

Run with `manage.py shell -c "import tests.browser.seed_course"` against that database.
"""

from apps.courses.models import CoursePage
from tests.courses.builders import course_tree_build, translate

if not CoursePage.objects.filter(slug="debris-101").exists():
    tree = course_tree_build(modules=1, lessons_per_module=2)
    for page in [tree.course, tree.pre, tree.post, *tree.modules, *tree.lessons]:
        translate(page, "ar", title=f"{page.title} (ع)")
