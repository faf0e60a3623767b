{#- Creator studio audience (issue 17): traffic sources of views. One home for the list of sources. -#}

{#- The traffic sources the platform exports, in display order. -#}
{% macro traffic_sources() -%}
    {{ return(['for_you', 'following', 'search', 'profile', 'share']) }}
{%- endmacro %}

{#- Every value staging can give traffic_source: the sources plus 'other' (unrecognised) and 'unknown' (absent). -#}
{% macro traffic_source_values() -%}
    {{ return(traffic_sources() + ['other', 'unknown']) }}
{%- endmacro %}

{#-
  A raw traffic_source normalised: lower case and trimmed; 'unknown' when absent (an older export file
  without the column, or an empty value), 'other' for a value outside traffic_sources(). Neither rejects
  the view: its watch time is real, only its origin is not known.
-#}
{% macro normalised_traffic_source(column) -%}
    case
        when {{ column }} is null or trim({{ column }}) = '' then 'unknown'
        when lower(trim({{ column }})) in ({% for s in traffic_sources() %}'{{ s }}'{{ ", " if not loop.last }}{% endfor %})
            then lower(trim({{ column }}))
        else 'other'
    end
{%- endmacro %}
