"""Unbound extension objects, bound to the application in create_app."""

from __future__ import annotations

from flask_alembic import Alembic
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf import CSRFProtect

from advisor.db import Base

db = SQLAlchemy()
alembic = Alembic(metadatas=Base.metadata, run_mkdir=False)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
