{#- m:ss of a number of seconds (edit suggestions: "Trim 0:12-0:17"). -#}
{% macro mmss(seconds) -%}
    (cast(floor({{ seconds }} / 60) as integer) || ':' || lpad(cast(cast(floor({{ seconds }}) as integer) % 60 as string), 2, '0'))
{%- endmacro %}
