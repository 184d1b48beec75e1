# Thành Sen Một Cửa — common tasks. `make` alone prints the list.
# Needs GNU make and bash; the recipes live in scripts/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# Interpreter to build .venv with (optional): make venv PYTHON=/path/to/python3.12
# (read by scripts/find-python.sh from the environment; make passes it on either way).
# Extra pytest arguments: make test PYTEST_ARGS="-k intake -x"
PYTEST_ARGS ?=
# Some benchmarks only: make bench BENCH_ARGS="bench/bench_lookup.py"
BENCH_ARGS ?=

.PHONY: help venv run test bench lock clean

help:
	@echo "Thành Sen Một Cửa — các lệnh / targets:"
	@echo "  make run    Chạy thử tại http://127.0.0.1:8000 (migrate, dữ liệu mẫu, tài khoản demo)"
	@echo "              Run locally: migrate, collectstatic, seed demo data, serve."
	@echo "              Không có REDIS_URL: runserver + SQLite, Celery chạy tại chỗ."
	@echo "              Without REDIS_URL: runserver (SQLite unless DATABASE_URL), Celery eager."
	@echo "              Có REDIS_URL: gunicorn + Celery worker + beat. / With REDIS_URL: gunicorn + worker + beat."
	@echo "  make test   Cài gói Debian còn thiếu (nếu được) rồi chạy pytest. PYTEST_ARGS=\"...\""
	@echo "              Install missing Debian packages when possible, then run pytest."
	@echo "              Dùng DATABASE_URL/REDIS_URL nếu có. / Uses DATABASE_URL/REDIS_URL when set."
	@echo "  make bench  Chạy các bench/bench_*.py, in một bảng và ghi bench/RESULTS.md."
	@echo "              Run the benchmarks, print one table, write bench/RESULTS.md."
	@echo "              BENCH_QUICK=1: cỡ nhỏ, chạy thử / small sizes, a smoke test."
	@echo "  make lock   Tạo lại requirements.lock từ pyproject.toml. / Regenerate requirements.lock."
	@echo "  make clean  Xoá .venv, db.sqlite3, staticfiles. / Remove them."
	@echo "  make venv   (nội bộ / internal) Tạo .venv với Python ≥ 3.12 và cài requirements.lock."
	@echo "              Create .venv with Python >= 3.12; reinstall when requirements.lock changes."
	@echo "CI: .ci/run (khởi động PostgreSQL + Redis rồi make test / starts services, then make test)."

venv:
	@bash scripts/venv.sh

run: venv
	@PY=$(PY) bash scripts/run.sh

test: venv
	@bash scripts/os-packages.sh
	@bash scripts/axe-core.sh
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	$(PY) bench/run_all.py $(BENCH_ARGS)

lock:
	@bash scripts/lock.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
