"""The page's language on its ``<html>`` element, for texts the app does not draw itself.

Solara's connection overlays ("Server disconnected.", "Restoring session…", "Please refresh the
page") come from its page template and stay on the page while the app itself is gone (a lost
connection). ``viz/data/custom.css`` draws them in Dutch unless ``<html>`` carries
``data-govsim-lang="en"``; `PageLanguage` keeps that attribute (and ``lang``) in step with the
language switch.
"""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <span class="govsim-page-language" style="display: none"></span>
</template>
<script>
module.exports = {
  mounted() {
    this.mark(this.lang);
  },
  watch: {
    lang(value) {
      this.mark(value);
    },
  },
  methods: {
    mark(value) {
      document.documentElement.setAttribute('data-govsim-lang', value);
      document.documentElement.setAttribute('lang', value);
    },
  },
};
</script>
"""


class PageLanguageWidget(v.VuetifyTemplate):
    """The widget behind `PageLanguage`."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    lang = traitlets.Unicode("nl").tag(sync=True)


def PageLanguage(lang: str) -> Any:
    """Mark the page as being in ``lang`` (``nl`` or ``en``)."""
    return PageLanguageWidget.element(lang=lang)
