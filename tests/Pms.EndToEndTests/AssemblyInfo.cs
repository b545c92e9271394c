// Each AppHost runs a PostgreSQL server, a mail sink and two services: one at a time is what a 2-core machine holds well.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
