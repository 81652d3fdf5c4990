from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "polindex.web.dialogue"
    label = "dialogue"
    verbose_name = "Dialogue tools"
