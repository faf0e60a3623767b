{#-
  The green-build marker (issue 16): `reelmart publish` publishes only a build whose marker says green.
  dbt's own hooks write it (dbt_project.yml on-run-start / on-run-end), so a plain `dbt build` leaves the
  same marker as `reelmart build`: building while models change, then green (a build whose models and
  tests all passed), failed, or untested (models changed by run/seed/snapshot, or a build that ran no
  test). The file sits beside the build database: <build db>.status.json (one JSON line, read by
  reelmart/warehouse.py, which owns publishing).
-#}
{% macro build_status_path() -%}
    {{ return(env_var('REELMART_BUILD_DB', 'data/warehouse/build.duckdb') ~ '.status.json') }}
{%- endmacro %}

{% macro write_build_status(status, detail='') -%}
    {%- set sql -%}
        copy (
            select
                '{{ status }}' as status,
                '{{ flags.WHICH }}' as command,
                '{{ invocation_id }}' as invocation_id,
                '{{ detail | replace("'", "''") }}' as detail,
                strftime(current_timestamp at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as written_at
        ) to '{{ build_status_path() | replace("'", "''") }}' (format json)
    {%- endset -%}
    {% do run_query(sql) %}
{%- endmacro %}

{#- on-run-start: the build database is about to change. -#}
{% macro mark_build_started() -%}
    {% if execute and target.type == 'duckdb' and flags.WHICH in ('build', 'run', 'seed', 'snapshot') %}
        {% do write_build_status('building') %}
    {% endif %}
    select 1
{%- endmacro %}

{#- on-run-end: green only for a `build` in which nothing errored, failed or was skipped and tests ran. -#}
{% macro mark_build_finished(results) -%}
    {% if execute and target.type == 'duckdb' and flags.WHICH in ('build', 'run', 'seed', 'snapshot', 'test') %}
        {% set bad = [] %}
        {% set tests = [] %}
        {% for result in results %}
            {% if result.status in ('error', 'fail', 'skipped', 'runtime error') %}
                {% do bad.append(result.node.name ~ ': ' ~ result.status) %}
            {% endif %}
            {% if result.node.resource_type in ('test', 'unit_test') %}{% do tests.append(1) %}{% endif %}
        {% endfor %}
        {% if bad %}
            {% do write_build_status('failed', bad[:5] | join('; ')) %}
        {% elif flags.WHICH == 'build' and tests %}
            {% do write_build_status('green') %}
        {% elif flags.WHICH != 'test' %}
            {% do write_build_status('untested', 'dbt ' ~ flags.WHICH ~ ' changed the build without its tests') %}
        {% endif %}
    {% endif %}
    select 1
{%- endmacro %}
