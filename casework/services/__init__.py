"""Every write in casework, one module per part of the domain. Views, the API, the admin,
Celery tasks and the seeds call these functions; none of them writes models directly."""
