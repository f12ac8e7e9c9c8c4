"""The `mediatheek` command: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediatheek.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
    except ImproperlyConfigured:
        pass  # execute_from_command_line reports a settings problem in its own words
    else:
        from mediatheek.core.management import activate_command_language

        activate_command_language()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
