"""Slash-command routing: each command's subcommands are registered with their usage and summary,
so the help text is generated from the very table that routes (it cannot drift)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.help import HelpLine, HelpSection, build_command_help
from bot.deps import Deps
from bot.services.dates import date_context
from bot.services.errors import UserError
from handlers.guard import guarded
from handlers.programs import sprints_here

KEY_LIKE = re.compile(r"^[A-Za-z]{1,4}-\d+$")


@dataclass
class CommandCall:
    """One slash command invocation, turned into plain arguments for a subcommand handler."""

    ack: Ack
    respond: Respond
    client: WebClient
    body: dict
    deps: Deps
    text: str  # what follows the subcommand word (or the whole text for free-text handlers)
    inbox_id: str | None = None  # the durable record of this request (bot/inbox), when there is one

    @property
    def team_id(self) -> str:
        return self.body.get("team_id", "")

    @property
    def user_id(self) -> str:
        return self.body.get("user_id", "")

    @property
    def channel_id(self) -> str:
        return self.body.get("channel_id", "")

    @property
    def channel_name(self) -> str:
        return self.body.get("channel_name", "")

    @property
    def trigger_id(self) -> str:
        return self.body.get("trigger_id", "")


Handler = Callable[[CommandCall], None]


@dataclass(frozen=True)
class Route:
    usage: str
    summary: str
    handler: Handler
    aliases: tuple[str, ...] = ()


@dataclass
class CommandRouter:
    command: str  # "/tpm"
    summary: str
    example: str
    sections_provider: Callable[[], list[HelpSection]] | None = None
    _subs: dict[str, Route] = field(default_factory=dict)
    _order: list[Route] = field(default_factory=list)
    _bare: Route | None = None
    _text: Route | None = None

    def sub(self, name: str, *, usage: str, summary: str, aliases: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        """A verb. Registering a verb again replaces it (a kind's own `list` over the shared one)."""
        def decorate(handler: Handler) -> Handler:
            route = Route(usage, summary, handler, aliases)
            replaced = self._subs.get(name.lower())
            for word in (name, *aliases):
                self._subs[word.lower()] = route
            if replaced is not None:
                self._order[self._order.index(replaced)] = route
            else:
                self._order.append(route)
            return handler
        return decorate

    def bare(self, *, usage: str, summary: str) -> Callable[[Handler], Handler]:
        """The command typed with no text (typically: open the modal). Registering it again replaces it."""
        def decorate(handler: Handler) -> Handler:
            replaced, self._bare = self._bare, Route(usage, summary, handler)
            if replaced is not None:
                self._order[self._order.index(replaced)] = self._bare
            else:
                self._order.insert(0, self._bare)
            return handler
        return decorate

    def free_text(self, *, usage: str, summary: str) -> Callable[[Handler], Handler]:
        """Text that starts with no known subcommand (e.g. `/blocker waiting on keys`). Registering it again
        replaces it."""
        def decorate(handler: Handler) -> Handler:
            replaced, self._text = self._text, Route(usage, summary, handler)
            if replaced is not None:
                self._order[self._order.index(replaced)] = self._text
            else:
                self._order.insert(1 if self._bare else 0, self._text)
            return handler
        return decorate

    def help_section(self) -> HelpSection:
        lines = [HelpLine(r.usage, r.summary) for r in self._order]
        if "help" not in self._subs:
            lines.append(HelpLine(f"{self.command} help", "this list"))
        return HelpSection(self.command, self.summary, tuple(lines))

    def route(self, text: str) -> tuple[Route | None, str]:
        text = text.strip()
        if not text:
            return self._bare, ""
        word, _, rest = text.partition(" ")
        if "\n" in word:
            word, _, tail = word.partition("\n")
            rest = tail + (" " + rest if rest else "")
        route = self._subs.get(word.lower())
        if route is not None:
            return route, rest.strip()
        self._refuse_mistyped_verb(word, rest.strip())
        return self._text, text

    def _refuse_mistyped_verb(self, word: str, rest: str) -> None:
        """`/blocker lst`, `/blocker reassign B-3 @bob`: a word that reads as a verb is not a title.

        It reads as one when it is close to a verb and stands alone, or when a key follows it."""
        if self._text is None or not self._subs:
            return
        first_of_rest = rest.split()[0] if rest.split() else ""
        close = difflib.get_close_matches(word.lower(), list(self._subs), n=1, cutoff=0.7)
        followed_by_key = bool(KEY_LIKE.match(first_of_rest))
        if close and (not rest or followed_by_key):
            usage = self._subs[close[0]].usage
            raise UserError(f"`{self.command} {word}` isn't something I know — did you mean `{self.command} {close[0]}`?"
                            " Nothing was saved.", usage)
        if followed_by_key and word.isalpha():
            verbs = ", ".join(sorted({r.usage.split()[1] for r in self._order if len(r.usage.split()) > 1
                                      and r.usage.split()[1].isalpha()}))
            raise UserError(f"`{self.command} {word}` isn't something I know. The verbs are: {verbs}. "
                            "Nothing was saved.", f"{self.command} help")

    def listener(self, ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict[str, Any]) -> None:
        text = body.get("text") or ""
        if text.strip().lower() in ("help", "?") and "help" not in self._subs:
            self.reply_help(ack)
            return
        try:
            route, rest = self.route(text)
        except UserError as refusal:  # a mistyped verb: answered in the ack, as Slack shows it, only to them
            ack(text=refusal.reply_text())
            return
        if route is None:
            word = text.strip().split()[0] if text.strip() else ""
            problem = f"`{self.command} {word}` isn't something I know." if word else None
            ack(text=f"{self.command} help", blocks=build_command_help(self.help_section(), problem))
            return
        call = CommandCall(ack, respond, client, body, context["deps"], rest, context.get("inbox_id"))
        # Dates typed in the command (`due end of sprint`) read the channel's program's sprints, if any.
        with date_context(sprints_here(call.deps, team_id=call.team_id, channel_id=call.channel_id)):
            route.handler(call)

    def reply_help(self, ack: Ack) -> None:
        ack(text=f"{self.command} help", blocks=build_command_help(self.help_section()))

    def register(self, app: App) -> None:
        app.command(self.command)(guarded(self.listener))
