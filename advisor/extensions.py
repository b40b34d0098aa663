"""Unbound extension objects, bound to the application in create_app (Flask-Babel's is
i18n.py's, with the request's catalogue kept for the request)."""

from __future__ import annotations

from flask_alembic import Alembic
from flask_login import LoginManager
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf import CSRFProtect

from advisor.db import Base

db = SQLAlchemy()
alembic = Alembic(metadatas=Base.metadata, run_mkdir=False)
login_manager = LoginManager()
csrf = CSRFProtect()
