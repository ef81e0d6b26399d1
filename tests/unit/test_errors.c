/* errors.c: every enum value has a row, codes are unique, shapes match statuses. */
#include <string.h>

#include "errors.h"
#include "tap.h"

int
main(void)
{
	for (int i = 1; i < ERR__COUNT; i++) {
		const struct err_info *info = err_info((enum err)i);

		tap_ok(info->code != NULL && info->code[0] != '\0' && info->status >= 400,
		    "error %d has a code and an error status", i);
		tap_ok(err_from_code(info->code) == (enum err)i, "code %s maps back", info->code);
	}
	tap_ok(err_info((enum err)9999) == err_info(ERR_INTERNAL), "out of range is internal");
	tap_str(err_info(ERR_ACTION_NOT_FOUND)->code, "InvalidAction.NotFound", "gateway 404 code");
	tap_ok(err_info(ERR_ACTION_NOT_FOUND)->shape == SHAPE_GATEWAY, "gateway shape");
	tap_ok(err_info(ERR_CLUSTER_NOT_FOUND)->status == 404, "cluster not found is 404");
	tap_ok(err_info(ERR_ENTITY_TOO_LARGE)->status == 413, "too large is 413");
	return tap_done();
}
