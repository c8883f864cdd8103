{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_key',
    on_schema_change='append_new_columns',
    post_hook=[
        "{{ delete_superseded_documents() }}",
        "analyze {{ this }} (report_key, report_id, organ_key, report_year, is_primary, has_applications_table,
                             report_parsed_at, context_parsed_at)",
    ],
    indexes=[
      {'columns': ['report_key']},
      {'columns': ['report_id'], 'unique': True},
      {'columns': ['report_parsed_at']},
      {'columns': ['context_parsed_at']},
      {'columns': ['organ_key', 'report_year']},
    ]
) }}
-- One REPORT is one (organ, report_year). The same report often arrives as several documents (an HTML
-- page and its .docx/.pdf attachment, mirror sites, re-publications), so every current document gets
-- the report_key of its (organ, year) and one of them is chosen as the report's primary document:
--   1. the one with the most numbers actually read (not derived, not null) — the most complete reading;
--   2. then HTML before Word before PDF (HTML tables parse most reliably);
--   3. then the latest parsed.
-- The other documents stay listed here (is_primary = false) so nothing is lost.
-- A table (not a view): every fact mart joins it, and it is small (one row per document). Its
-- report_parsed_at / context_parsed_at columns drive the incremental marts (macros/incremental_reports.sql).
--
-- Analyzed after every run (the key columns only): the marts' plans start from how many reports changed
-- (report_parsed_at, context_parsed_at); stale statistics say "none", and a monthly run's joins then
-- repeat their aggregates once per report.
-- Incremental (delete+insert by report): a run rebuilds every document of the reports that gained or lost
-- a current document since the last run, and of the same organs' next-year reports (their
-- context_parsed_at reads this year's); a report left with no current document is deleted by the
-- post-hook. The same rows as a full build, as long as organ_aliases is unchanged (after editing it, run
-- --full-refresh, as after a parser upgrade).

with aliases as (

    select alias_name, organ_name from {{ ref('organ_aliases') }}

),

-- the report every current document belongs to: only the columns that decide it (stg_reports is
-- referenced, not put in a CTE: it stays a flattened view whose other columns are read only for the
-- documents rebuilt)
keys as (

    select
        documents.report_id,
        documents.parsed_at,
        documents.report_year,
        -- a renamed organ / short form / traditional spelling is filed under its canonical name
        coalesce(aliases.organ_name, documents.organ_name) as organ_name
    from {{ ref('stg_reports') }} as documents
    left join aliases on aliases.alias_name = documents.organ_name

),

keyed_documents as (

    select
        report_id,
        parsed_at,
        report_year,
        organ_name,
        -- without an organ or a year a document cannot be matched to others: it is its own report
        md5(
            coalesce(organ_name, 'document:' || report_id::text)
            || '|' || coalesce(report_year::text, 'document:' || report_id::text)
        ) as report_key,
        case when organ_name is not null then md5(organ_name) end as organ_key
    from keys

),
{%- if is_incremental() %}

-- documents not listed here yet (new, or re-parsed: a re-parse is a new report_id). Only these are keyed
-- (organ name normalised, aliases, md5): keyed_documents is referenced nowhere else in an incremental run,
-- so PostgreSQL computes its keys after this anti-join, for the new documents only.
new_documents as materialized (

    select * from keyed_documents
    where not exists (select 1 from {{ this }} as built where built.report_id = keyed_documents.report_id)

),

-- reports with a document that is new here, or listed here but no longer current (superseded)
changed_reports as (

    select report_key, organ_name, report_year
    from new_documents
    union
    select report_key, organ_name, report_year
    from {{ this }} as built
    where not exists (
        select 1 from {{ ref('stg_reports') }} as documents where documents.report_id = built.report_id
    )

),

reports_to_rebuild as (

    select report_key from changed_reports
    union
    -- the same organ's next year: its context_parsed_at (and cross-year comparisons) read this year
    select md5(organ_name || '|' || (report_year + 1)::text)
    from changed_reports
    where organ_name is not null and report_year is not null

),

-- materialized: picked out first, so that only these documents are joined with their details below.
-- The documents listed here already keep the keys stored here (the same as keying them again, as long as
-- organ_aliases is unchanged; see above) and are looked up by them (index on report_key).
documents_to_rebuild as materialized (

    select * from new_documents
    union all
    select built.report_id, built.parsed_at, built.report_year, built.organ_name, built.report_key, built.organ_key
    from {{ this }} as built
    where built.report_key in (select report_key from reports_to_rebuild)
      and exists (select 1 from {{ ref('stg_reports') }} as documents where documents.report_id = built.report_id)

),

-- the current documents of the previous years of the reports rebuilt (index on organ_key, report_year)
previous_year_documents as (

    select organ_key, report_year, parsed_at from new_documents
    union all
    select built.organ_key, built.report_year, built.parsed_at
    from {{ this }} as built
    inner join (
        select distinct organ_key, report_year - 1 as report_year from documents_to_rebuild
    ) as wanted on wanted.organ_key = built.organ_key and wanted.report_year = built.report_year
    where exists (select 1 from {{ ref('stg_reports') }} as documents where documents.report_id = built.report_id)

),
{%- endif %}

facts_read as (

    -- per document, counted once (incremental: see int_document_figures)
    select report_id, facts_read, has_applications_table
    from {{ ref('int_document_figures') }}

),

conformed as (

    select
        keyed_documents.report_key,
        keyed_documents.organ_key,
        documents.report_id,
        documents.document_sha256,
        documents.parser_version,
        documents.parsed_at,
        documents.source_url,
        documents.portal,
        documents.organ_name_printed,
        keyed_documents.organ_name,
        documents.report_year,
        documents.era,
        documents.script,
        documents.published_on,
        documents.media_type,
        documents.title,
        coalesce(facts_read.facts_read, 0) as facts_read,
        coalesce(facts_read.has_applications_table, false) as has_applications_table,
        case
            when documents.media_type ilike '%html%'
                or documents.source_url ~* '\.s?html?($|\?)' then 0
            when documents.media_type ilike '%word%' or documents.media_type ilike '%msword%'
                or documents.source_url ~* '\.(docx?|wps)($|\?)' then 1
            when documents.media_type ilike '%pdf%' or documents.source_url ~* '\.pdf($|\?)' then 2
            else 3
        end as media_rank
    from {{ 'documents_to_rebuild' if is_incremental() else 'keyed_documents' }} as keyed_documents
    inner join {{ ref('stg_reports') }} as documents on documents.report_id = keyed_documents.report_id
    left join facts_read on facts_read.report_id = documents.report_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by report_key
            order by facts_read desc, media_rank asc, parsed_at desc, report_id asc
        ) as document_rank,
        count(*) over (partition by report_key) as document_count,
        -- the newest parse of any document of the report: incremental marts rebuild a report when it moves
        max(parsed_at) over (partition by report_key) as report_parsed_at
    from conformed

),

-- a report's figures are compared with the same organ's previous year (cross-year rule, year-on-year
-- change): those comparisons must be redone when EITHER report changes
previous_year as (

    select organ_key, report_year + 1 as next_year, max(parsed_at) as previous_year_parsed_at
    from {{ 'previous_year_documents' if is_incremental() else 'keyed_documents' }}
    where organ_key is not null and report_year is not null
    group by organ_key, report_year

)

select
    report_key,
    ranked.organ_key,
    organ_name,
    report_year,
    report_id,
    document_rank,
    document_rank = 1 as is_primary,
    document_count,
    document_sha256,
    parser_version,
    parsed_at,
    report_parsed_at,
    greatest(report_parsed_at, previous_year.previous_year_parsed_at) as context_parsed_at,
    source_url,
    portal,
    organ_name_printed,
    era,
    script,
    published_on,
    media_type,
    media_rank,
    title,
    facts_read,
    has_applications_table
from ranked
left join previous_year
    on previous_year.organ_key = ranked.organ_key
    and previous_year.next_year = ranked.report_year
