"""Typed access to what handlers share: the settings, the store, the delivery service, and the
language of the chat an update comes from."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.config import Settings
from bot.i18n import DEFAULT, Catalogs, Translator, supported
from storage import Store

if TYPE_CHECKING:  # the service's module imports this one
    from bot.delivery.service import DeliveryService


class BotData:
    """The application's shared state; PTB creates it, ``build_application`` fills it."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._store: Store | None = None
        self._delivery: DeliveryService | None = None
        self.catalogs = Catalogs.load()

    @property
    def settings(self) -> Settings:
        """The settings the application was built from."""
        if self._settings is None:
            raise RuntimeError("settings are not set: build the app with build_application()")
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def store(self) -> Store:
        """The open store (opened in post_init, closed in post_shutdown)."""
        if self._store is None:
            raise RuntimeError("the store is not open: it opens when the application starts")
        return self._store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store

    @property
    def delivery(self) -> DeliveryService:
        """The delivery service: digests, fan-outs, the outbox sender and its pacer."""
        if self._delivery is None:
            raise RuntimeError("no delivery service: build the app with build_application()")
        return self._delivery

    @delivery.setter
    def delivery(self, service: DeliveryService) -> None:
        self._delivery = service

    def release_store(self) -> Store | None:
        """Hand over the open store, if any, for closing; the application has none after."""
        store, self._store = self._store, None
        return store


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """PTB's context, with the language of the update's chat looked up once per update: the
    chat's choice (/language), else the Telegram app's language where we speak it, else
    English."""

    def __init__(
        self, application: App, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.app_language: str | None = None
        self.t: Translator = application.bot_data.catalogs.get(DEFAULT)

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> Context:
        """The context of one update, remembering the language of the sender's app."""
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user is not None:
            context.app_language = update.effective_user.language_code
        return context

    async def refresh_data(self) -> None:
        """Look up the chat's language (PTB calls this once, before the first handler)."""
        await super().refresh_data()
        self.t = await language_of(self.bot_data, self._chat_id, self.app_language)


App = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]
]
CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData)


def application_of(context: Context) -> App:
    """The application, typed: PTB's ``CallbackContext.application`` leaves its context open."""
    return cast(App, context.application)


def settings_of(context: Context) -> Settings:
    """The settings, from a handler's context."""
    return context.bot_data.settings


def today(context: Context) -> date:
    """Today's date in the bot's time zone (FILMNEWS_TIMEZONE)."""
    return datetime.now(context.bot_data.settings.timezone).date()


def store_of(context: Context) -> Store:
    """The store, from a handler's context."""
    return context.bot_data.store


def delivery_of(context: Context) -> DeliveryService:
    """The delivery service, from a handler's context."""
    return context.bot_data.delivery


async def language_of(
    bot_data: BotData, chat_id: int | None, app_language: str | None
) -> Translator:
    """The translator for a chat: its choice, else the app's language if we speak it."""
    chosen = await bot_data.store.languages.get(chat_id) if chat_id is not None else None
    return bot_data.catalogs.get(chosen or supported(app_language) or DEFAULT)
