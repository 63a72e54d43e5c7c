from django import forms
from django.core.files.uploadedfile import UploadedFile
from wagtailmedia.forms import BaseMediaForm

from media.failures import MediaRejected
from media.services import media_item_accept, media_upload_check


class MediaItemForm(BaseMediaForm):
    """wagtailmedia's upload and edit form (admin and chooser): a new file is probed before
    anything is stored, and queued for transcoding once saved."""

    probe_info = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                self.probe_info = media_upload_check(upload=upload, media_type=self.instance.type)
            except MediaRejected as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return upload

    def save(self, commit=True):
        item = super().save(commit=commit)
        if commit and self.probe_info is not None:
            media_item_accept(item=item, info=self.probe_info)
        return item
